using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Transactions.Coordinator.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bank_transfers",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_account = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    to_account = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    debit_branch_id = table.Column<Guid>(type: "uuid", nullable: false),
                    credit_branch_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    deadline_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    steps = table.Column<string>(type: "jsonb", nullable: false),
                    history = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bank_transfers", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_state",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumer = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_state", x => new { x.message_id, x.consumer });
                });

            migrationBuilder.CreateTable(
                name: "outbox_message",
                columns: table => new
                {
                    sequence_number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    partition_key = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    initiator_id = table.Column<Guid>(type: "uuid", nullable: true),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_address = table.Column<string>(type: "text", nullable: true),
                    destination_address = table.Column<string>(type: "text", nullable: false),
                    response_address = table.Column<string>(type: "text", nullable: true),
                    fault_address = table.Column<string>(type: "text", nullable: true),
                    sent_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expiration_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    headers = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_message", x => x.sequence_number);
                });

            migrationBuilder.CreateTable(
                name: "reconciliation_run",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    tick = table.Column<long>(type: "bigint", nullable: true),
                    dry_run = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    examined = table.Column<string>(type: "jsonb", nullable: false),
                    findings = table.Column<string>(type: "jsonb", nullable: false),
                    actions = table.Column<string>(type: "jsonb", nullable: false),
                    errors = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reconciliation_run", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "reconciliation_tick",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_tick = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reconciliation_tick", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "travel_booking_state",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    flight_number = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    flight_date = table.Column<DateOnly>(type: "date", nullable: false),
                    seats = table.Column<int>(type: "integer", nullable: false),
                    hotel_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    check_in = table.Column<DateOnly>(type: "date", nullable: false),
                    nights = table.Column<int>(type: "integer", nullable: false),
                    car_location = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    car_class = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    car_pick_up = table.Column<DateOnly>(type: "date", nullable: false),
                    car_days = table.Column<int>(type: "integer", nullable: false),
                    failed_step = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    failure_reason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    deadline_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    steps = table.Column<string>(type: "jsonb", nullable: false),
                    history = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_travel_booking_state", x => x.correlation_id);
                });

            migrationBuilder.InsertData(
                table: "reconciliation_tick",
                columns: new[] { "id", "last_tick" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_bank_transfers_created_at_correlation_id",
                table: "bank_transfers",
                columns: new[] { "created_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_bank_transfers_current_state_updated_at_correlation_id",
                table: "bank_transfers",
                columns: new[] { "current_state", "updated_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_bank_transfers_deadline_at",
                table: "bank_transfers",
                column: "deadline_at");

            migrationBuilder.CreateIndex(
                name: "ix_bank_transfers_updated_at_correlation_id",
                table: "bank_transfers",
                columns: new[] { "updated_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_inbox_state_received_at",
                table: "inbox_state",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_reconciliation_run_started_at",
                table: "reconciliation_run",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_travel_booking_state_created_at_correlation_id",
                table: "travel_booking_state",
                columns: new[] { "created_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_travel_booking_state_current_state_updated_at_correlation_id",
                table: "travel_booking_state",
                columns: new[] { "current_state", "updated_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_travel_booking_state_deadline_at",
                table: "travel_booking_state",
                column: "deadline_at",
                filter: "deadline_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_travel_booking_state_updated_at_correlation_id",
                table: "travel_booking_state",
                columns: new[] { "updated_at", "correlation_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bank_transfers");

            migrationBuilder.DropTable(
                name: "inbox_state");

            migrationBuilder.DropTable(
                name: "outbox_message");

            migrationBuilder.DropTable(
                name: "reconciliation_run");

            migrationBuilder.DropTable(
                name: "reconciliation_tick");

            migrationBuilder.DropTable(
                name: "travel_booking_state");
        }
    }
}
