using System.Diagnostics;

namespace Transactions.IntegrationTests.Scripts;

/// <summary><c>scripts/services.sh</c> of this checkout, as a process to run.</summary>
public static class ServicesScript
{
    /// <summary>
    /// The script with <paramref name="arguments"/>, keeping its servers in <paramref name="localDir"/> rather than
    /// the checkout's .local, and with no RabbitMQ of the environment (the shared test servers') to use instead.
    /// </summary>
    public static ProcessStartInfo StartInfo(string localDir, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RunScript.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("scripts/services.sh");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var rabbitMq = start.Environment.Keys.Where(k => k.StartsWith("RABBITMQ_") || k.StartsWith("RabbitMq__")).ToList();
        foreach (var key in rabbitMq)
            start.Environment.Remove(key);
        start.Environment["TRANSACTIONS_LOCAL_DIR"] = localDir;
        return start;
    }
}
