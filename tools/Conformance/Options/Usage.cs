namespace Transactions.Conformance.Options;

/// <summary>The text of <c>--help</c>.</summary>
public static class Usage
{
    public const string Text = """
        Transactions conformance kit: checks a TCC participant against the TCC rules, over RabbitMQ only; also a saga
        step (a reserve and its compensating cancel), as a branch without Confirm.

        It sends the participant's Try, Confirm and Cancel commands as raw MassTransit JSON envelopes to its queue,
        reads the replies it publishes (from a temporary queue bound to each reply type's exchange), and reads the
        effect through a probe you name: an HTTP GET answering the resource as JSON, and the JSON paths of the
        quantities a phase changes. Every check uses fresh version 7 branch ids, reads the probe before and after,
        and prints one line: PASS or FAIL, name, evidence. The exit code is 0 when every check passed, 1 when one
        failed, 2 when the kit could not run (broker, queue, probe or options; the message says which).

        Usage:
          dotnet run --project tools/Conformance -- --resource ACCOUNT [options]

        Participant:
          --branch debit|credit      the sample bank's debit or credit branch (default debit): queue bank-debit or
                                     bank-credit, probe GET http://127.0.0.1:5081/api/accounts/{resource}
          --message-set FILE         another participant's message set, described in JSON (see tools/Conformance/README.md);
                                     without "confirm" it describes a saga step
          --queue NAME               the participant's queue, instead of the message set's
          --resource ID              the account or resource the Trys name (required); use one kept for the kit,
                                     with room for 20 Trys of --amount at once
          --amount N                 the amount of each Try (default 10.00)
          --field NAME=VALUE         a Try field to add or replace (VALUE read as JSON if it is, else as text),
                                     for example --field currency=USD

        Probe:
          --probe-url URL            GET URL of the resource, {resource} replaced (default: the message set's)
          --probe-path NAME=PATH     the JSON path of a quantity, for example held=$.frozen
          --probe-header "N: V"      a header to send with the GET, for example "X-Api-Key: ..."

        Checks:
          --checks ID,ID             only these: repeat, null-compensation, confirm-without-try, anti-hanging,
                                     exclusion, concurrent-duplicates, reordering, crash (default: all)
          --seeds N                  random reorderings to try (default 10), seeds 1..N, each replayable
          --duplicates K             copies sent at once in the concurrent duplicates check (default 5)
          --restart-command "CMD"    a shell command that kills and restarts the participant; given, the crash
                                     check runs it while Trys are in flight (without it the check is skipped)

        Broker and time:
          --broker URL               amqp://user:password@host:port/vhost (default $RABBITMQ_URL, else
                                     amqp://guest:guest@127.0.0.1:5672/)
          --reply-timeout SECONDS    longest wait for a reply (default 15)
          --restart-timeout SECONDS  longest wait for the restart command and the probe after it (default 120)

        The wire contract a participant must speak, and what each check expects, are in tools/Conformance/README.md.
        """;
}
