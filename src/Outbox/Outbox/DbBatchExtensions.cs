using System.Data.Common;

namespace Transactions.Outbox.Outbox;

static class DbBatchExtensions
{
    /// <summary>
    /// Adds a statement with positional parameters (<c>$1</c>, <c>$2</c>, ... in the order of <paramref name="values"/>)
    /// to the batch, and returns it for its result. Npgsql sends such a statement as it is; named parameters would make
    /// it parse and rewrite the text on every execution.
    /// </summary>
    public static DbBatchCommand Add(this DbBatch batch, string sql, params object[] values)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var value in values)
        {
            var parameter = command.CreateParameter();
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        batch.BatchCommands.Add(command);
        return command;
    }
}
