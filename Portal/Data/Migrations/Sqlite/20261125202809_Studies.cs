using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Studies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Studies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UploadedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    SchemeId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SchemeKeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProtectedNonce = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ProtectedPng = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SealedOriginal = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OriginalWidth = table.Column<int>(type: "INTEGER", nullable: false),
                    OriginalHeight = table.Column<int>(type: "INTEGER", nullable: false),
                    DecryptedForInference = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Studies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Predictions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StudyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TumorProbability = table.Column<double>(type: "REAL", nullable: false),
                    Probabilities = table.Column<string>(type: "TEXT", nullable: false),
                    LatencyMilliseconds = table.Column<double>(type: "REAL", nullable: false),
                    Device = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Predictions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Predictions_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_Model_Label",
                table: "Predictions",
                columns: new[] { "Model", "Label" });

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_StudyId",
                table: "Predictions",
                column: "StudyId");

            migrationBuilder.CreateIndex(
                name: "IX_Studies_CreatedAt",
                table: "Studies",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Predictions");

            migrationBuilder.DropTable(
                name: "Studies");
        }
    }
}
