using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneActiveKeyPerPurpose : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Keys_Purpose_Active",
                table: "Keys");

            // A database that ever held two active keys of one purpose keeps the newest active, so the index can be made.
            migrationBuilder.Sql(
                """
                UPDATE "Keys" SET "Active" = 0
                WHERE "Active" AND EXISTS (
                    SELECT 1 FROM "Keys" AS n
                    WHERE n."Purpose" = "Keys"."Purpose" AND n."Active"
                      AND (n."CreatedAt" > "Keys"."CreatedAt" OR (n."CreatedAt" = "Keys"."CreatedAt" AND n."Id" > "Keys"."Id")));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Keys_OneActivePerPurpose",
                table: "Keys",
                column: "Purpose",
                unique: true,
                filter: "\"Active\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Keys_OneActivePerPurpose",
                table: "Keys");

            migrationBuilder.CreateIndex(
                name: "IX_Keys_Purpose_Active",
                table: "Keys",
                columns: new[] { "Purpose", "Active" });
        }
    }
}
