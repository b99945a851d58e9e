using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReplayLedgerPerSender : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ReceivedPackages",
                table: "ReceivedPackages");

            migrationBuilder.AddColumn<string>(
                name: "SenderFingerprint",
                table: "ReceivedPackages",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ReceivedPackages",
                table: "ReceivedPackages",
                columns: new[] { "SenderFingerprint", "PackageId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ReceivedPackages",
                table: "ReceivedPackages");

            migrationBuilder.DropColumn(
                name: "SenderFingerprint",
                table: "ReceivedPackages");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ReceivedPackages",
                table: "ReceivedPackages",
                column: "PackageId");
        }
    }
}
