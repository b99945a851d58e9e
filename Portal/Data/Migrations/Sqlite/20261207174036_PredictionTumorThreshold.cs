using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PredictionTumorThreshold : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "TumorThreshold",
                table: "Predictions",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TumorThreshold",
                table: "Predictions");
        }
    }
}
