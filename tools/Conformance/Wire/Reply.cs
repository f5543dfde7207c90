using Transactions.Conformance.Rules;

namespace Transactions.Conformance.Wire;

/// <summary>A reply the participant published about a branch the kit is testing.</summary>
/// <param name="Kind">The kind, or null for a type that is none of the message set's replies.</param>
/// <param name="Reason">The <c>reason</c> field of a refusal, when it has one.</param>
public sealed record Reply(Guid BranchId, string Urn, ReplyKind? Kind, string? Reason);
