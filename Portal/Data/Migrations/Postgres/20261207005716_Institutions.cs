using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Institutions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Institutions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    AgreementKey = table.Column<byte[]>(type: "bytea", maxLength: 65, nullable: false),
                    SigningKey = table.Column<byte[]>(type: "bytea", maxLength: 65, nullable: false),
                    AgreementFingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SigningFingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AddedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Seal = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Institutions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReceivedPackages",
                columns: table => new
                {
                    PackageId = table.Column<Guid>(type: "uuid", nullable: false),
                    StudyId = table.Column<Guid>(type: "uuid", nullable: false),
                    InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReceivedPackages", x => x.PackageId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Institutions_AgreementFingerprint",
                table: "Institutions",
                column: "AgreementFingerprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Institutions_SigningFingerprint",
                table: "Institutions",
                column: "SigningFingerprint",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Institutions");

            migrationBuilder.DropTable(
                name: "ReceivedPackages");
        }
    }
}
