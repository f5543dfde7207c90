using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Transactions.Coordinator.Migrations
{
    /// <inheritdoc />
    public partial class OutboxPartitionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_message_partition_key",
                table: "outbox_message",
                columns: new[] { "partition_key", "sequence_number" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_message_partition_key",
                table: "outbox_message");
        }
    }
}
