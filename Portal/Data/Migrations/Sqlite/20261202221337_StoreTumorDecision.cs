using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StoreTumorDecision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Tumor",
                table: "Predictions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Rows analysed before the decision was stored were shown at the default operating point, 0.5: keep that.
            migrationBuilder.Sql("UPDATE \"Predictions\" SET \"Tumor\" = (\"TumorProbability\" >= 0.5);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Tumor",
                table: "Predictions");
        }
    }
}
