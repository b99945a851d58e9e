using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    AgreementKey = table.Column<byte[]>(type: "BLOB", maxLength: 65, nullable: false),
                    SigningKey = table.Column<byte[]>(type: "BLOB", maxLength: 65, nullable: false),
                    AgreementFingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SigningFingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Seal = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Institutions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReceivedPackages",
                columns: table => new
                {
                    PackageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
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
