using Microsoft.EntityFrameworkCore;
using Npgsql;
using Transactions.Participants.Sample.Bank.Persistence;
using Transactions.ServiceDefaults.Http;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Participants.Sample.Bank.Accounts;

public sealed record OpenAccountRequest(string? AccountId, string? Currency, decimal? InitialBalance);

public sealed record AccountView(string AccountId, string Currency, decimal Available, decimal Frozen,
    decimal PendingCredit)
{
    public static AccountView Of(Account a) => new(a.AccountId, a.Currency, a.Available, a.Frozen, a.PendingCredit);
}

public sealed record LedgerEntryView(long Id, DateTimeOffset At, string Kind, Guid? TransferId, decimal Amount,
    decimal Available, decimal Frozen, decimal PendingCredit);

/// <summary>POST /api/accounts, GET /api/accounts/{id}, GET /api/accounts/{id}/ledger.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/accounts");
        accounts.MapPost("", OpenAsync).RequireOperator();
        accounts.MapGet("{id}", GetAsync).RequireReader();
        accounts.MapGet("{id}/ledger", LedgerAsync).RequireReader();
        return app;
    }

    static async Task<IResult> OpenAsync(HttpRequest request, BankDbContext db, TimeProvider time,
        CancellationToken ct)
    {
        var (body, problem) = await JsonRequest.ReadAsync<OpenAccountRequest>(request);
        if (problem is not null)
            return problem;
        var rules = new RequestRules()
            .Required("accountId", body!.AccountId)
            .Currency("currency", body.Currency)
            .Money("initialBalance", body.InitialBalance, allowZero: true);
        if (!rules.IsValid)
            return Results.ValidationProblem(rules.Errors);

        var account = new Account
        {
            AccountId = body.AccountId!, Currency = body.Currency!, Available = body.InitialBalance!.Value,
        };
        db.Accounts.Add(account);
        db.Ledger.Add(account.Open(time.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account exists",
                detail: $"accountId: account {body.AccountId} already exists.");
        }
        return Results.Created($"/api/accounts/{account.AccountId}", AccountView.Of(account));
    }

    static async Task<IResult> GetAsync(string id, BankDbContext db, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.AccountId == id, ct);
        return account is null ? NotFound(id) : Results.Ok(AccountView.Of(account));
    }

    static async Task<IResult> LedgerAsync(string id, BankDbContext db, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.AccountId == id, ct))
            return NotFound(id);
        var entries = await db.Ledger.AsNoTracking().Where(l => l.AccountId == id).OrderBy(l => l.Id)
            .Select(l => new LedgerEntryView(l.Id, l.At, l.Kind.ToString(), l.TransferId, l.Amount, l.Available,
                l.Frozen, l.PendingCredit))
            .ToListAsync(ct);
        return Results.Ok(entries);
    }

    static IResult NotFound(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Unknown account", detail: $"No account {id}.");
}
