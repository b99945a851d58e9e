using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedCrypt.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StudySeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "SeriesId",
                table: "Studies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SliceCount",
                table: "Studies",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SliceIndex",
                table: "Studies",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Studies_SeriesId_SliceIndex",
                table: "Studies",
                columns: new[] { "SeriesId", "SliceIndex" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Studies_SeriesId_SliceIndex",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "SeriesId",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "SliceCount",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "SliceIndex",
                table: "Studies");
        }
    }
}
