using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DicomStudyInfo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DicomMetadata",
                table: "Studies",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PatientPseudonym",
                table: "Studies",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Studies_PatientPseudonym",
                table: "Studies",
                column: "PatientPseudonym");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Studies_PatientPseudonym",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "DicomMetadata",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "PatientPseudonym",
                table: "Studies");
        }
    }
}
