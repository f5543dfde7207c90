using Microsoft.Extensions.Options;
using Transactions.Participants.Sample.Cars;
using Transactions.Participants.Sample.Flights;
using Transactions.Participants.Sample.Hotels;

namespace Transactions.Participants.Sample.Hosting;

public static class ParticipantModules
{
    public const string Section = "Participants:Enabled";

    /// <summary>Every participant this host can run.</summary>
    static IReadOnlyList<IParticipantModule> All() =>
        [new Bank.BankParticipant(), new FlightsModule(), new HotelsModule(), new CarsModule()];

    /// <summary>
    /// The modules named in <c>Participants:Enabled</c> (all when unset). An unknown name stops the process with the
    /// setting's name and the names it accepts.
    /// </summary>
    public static IReadOnlyList<IParticipantModule> Selected(IConfiguration configuration)
    {
        var all = All();
        var wanted = configuration.GetSection(Section).Get<string[]>() ?? all.Select(m => m.Name).ToArray();
        var unknown = wanted.Where(w => all.All(m => !m.Name.Equals(w, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new OptionsValidationException(Section, typeof(string[]),
                [$"{Section} names unknown participants: {string.Join(", ", unknown)}. " +
                 $"Known: {string.Join(", ", all.Select(m => m.Name))}."]);
        return all.Where(m => wanted.Contains(m.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }
}
