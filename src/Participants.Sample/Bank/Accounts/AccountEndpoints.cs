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

/// <summary>
/// POST /api/accounts, GET /api/accounts/{id}, GET /api/accounts/{id}/ledger?limit=&amp;cursor= (a page at a time,
/// oldest first; see <see cref="LedgerPage"/>).
/// </summary>
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

    static async Task<IResult> LedgerAsync(string id, HttpRequest request, BankDbContext db, CancellationToken ct)
    {
        var rules = new RequestRules();
        var limit = rules.Limit("limit", request.Query["limit"].ToString(), LedgerPage.DefaultLimit, LedgerPage.MaxLimit);
        long? after = null;
        if (request.Query["cursor"].ToString() is { Length: > 0 } cursor)
        {
            var ok = LedgerPage.TryDecodeCursor(cursor, out var last);
            rules.Check(ok, "cursor", "Not a cursor this API returned; pass nextCursor unchanged.");
            after = ok ? last : null;
        }
        if (rules.ToProblem() is { } problem)
            return problem;
        if (!await db.Accounts.AnyAsync(a => a.AccountId == id, ct))
            return NotFound(id);
        // One more than the page tells whether another page follows.
        var rows = await LedgerPage.Query(db, id, after, limit + 1).AsNoTracking().ToListAsync(ct);
        return Results.Ok(LedgerPage.Of(rows, limit));
    }

    static IResult NotFound(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Unknown account", detail: $"No account {id}.");
}
