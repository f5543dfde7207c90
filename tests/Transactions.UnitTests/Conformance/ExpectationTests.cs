using Transactions.Conformance.Rules;
using static Transactions.Conformance.Rules.Phase;

namespace Transactions.UnitTests.Conformance;

/// <summary>The kit's reference model of the TCC rules, against which every check is judged.</summary>
public sealed class ExpectationTests
{
    [Fact]
    public void Confirm_and_cancel_sent_at_once_after_a_try_let_either_win_and_never_both()
    {
        var outcomes = Expectation.Of(BranchState.Tried, [[Confirm, Cancel]]);

        Assert.Equal(2, outcomes.Count);
        Assert.Contains(outcomes, o => o.Effective.SequenceEqual([Confirm])
                                       && o.Replies[0].SequenceEqual([ReplyKind.Confirmed, ReplyKind.CancelRefused]));
        Assert.Contains(outcomes, o => o.Effective.SequenceEqual([Cancel])
                                       && o.Replies[0].SequenceEqual([ReplyKind.ConfirmRefused, ReplyKind.Cancelled]));
    }

    [Fact]
    public void Copies_sent_at_once_have_one_outcome_with_one_effect()
    {
        var outcome = Assert.Single(Expectation.Of(BranchState.Fresh, [[Try, Try, Try, Try, Try]]));

        Assert.Equal([Try], outcome.Effective);
        Assert.All(outcome.Replies[0], r => Assert.Equal(ReplyKind.Tried, r));
    }

    [Fact]
    public void A_cancel_before_its_try_changes_nothing_and_the_late_try_and_confirm_are_refused()
    {
        var outcome = Assert.Single(Expectation.Of(BranchState.Fresh, [[Cancel], [Try], [Confirm]]));

        Assert.Empty(outcome.Effective);
        Assert.Equal([ReplyKind.Cancelled, ReplyKind.TryRefused, ReplyKind.ConfirmRefused], outcome.Replies.Select(r => r.Single()));
    }

    [Fact]
    public void A_confirm_before_its_try_is_refused_and_records_nothing_so_the_try_still_reserves()
    {
        var outcome = Assert.Single(Expectation.Of(BranchState.Fresh, [[Confirm], [Try], [Try]]));

        Assert.Equal([Try], outcome.Effective);
        Assert.Equal([ReplyKind.ConfirmRefused, ReplyKind.Tried, ReplyKind.Tried], outcome.Replies.Select(r => r.Single()));
    }

    [Fact]
    public void A_try_repeated_after_the_branch_settled_is_answered_with_the_settlement()
    {
        var confirmed = Assert.Single(Expectation.Of(BranchState.Fresh, [[Try], [Confirm], [Try]]));
        var cancelled = Assert.Single(Expectation.Of(BranchState.Fresh, [[Try], [Cancel], [Try]]));

        Assert.Equal(ReplyKind.Confirmed, confirmed.Replies[2].Single());
        Assert.Equal(ReplyKind.Cancelled, cancelled.Replies[2].Single());
    }

    [Fact]
    public void A_saga_step_refuses_its_try_repeated_after_its_cancel_where_a_tcc_branch_answers_cancelled()
    {
        var outcome = Assert.Single(Expectation.Of(BranchState.Fresh, [[Try], [Cancel], [Try]], TccRules.ApplyToStep));

        Assert.Equal([Try, Cancel], outcome.Effective);
        Assert.Equal([ReplyKind.Tried, ReplyKind.Cancelled, ReplyKind.TryRefused], outcome.Replies.Select(r => r.Single()));
    }

    [Fact]
    public void A_saga_steps_try_and_cancel_sent_at_once_leave_nothing_reserved_whichever_comes_first()
    {
        var outcomes = Expectation.Of(BranchState.Fresh, [[Try, Cancel]], TccRules.ApplyToStep);

        Assert.Equal(2, outcomes.Count);
        Assert.Contains(outcomes, o => o.Effective.SequenceEqual([Try, Cancel])
                                       && o.Replies[0].SequenceEqual([ReplyKind.Tried, ReplyKind.Cancelled]));
        Assert.Contains(outcomes, o => o.Effective.Count == 0
                                       && o.Replies[0].SequenceEqual([ReplyKind.TryRefused, ReplyKind.Cancelled]));
    }
}
