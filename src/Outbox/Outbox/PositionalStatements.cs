using System.Data.Common;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// Statements with positional parameters: <c>$1</c>, <c>$2</c>, ... in the order of the values given. Npgsql sends
/// such a statement as it is; named parameters would make it parse and rewrite the text on every execution.
/// </summary>
static class PositionalStatements
{
    /// <summary>Adds a statement to the batch, and returns it for its result.</summary>
    public static DbBatchCommand Add(this DbBatch batch, string sql, params object[] values)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        AddValues(command.Parameters, command.CreateParameter, values);
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>A batch on the connection, in <paramref name="transaction"/> when one is given.</summary>
    public static DbBatch Batch(this DbConnection connection, DbTransaction? transaction)
    {
        var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        return batch;
    }

    /// <summary>A statement on the connection of <paramref name="transaction"/>, in it.</summary>
    public static DbCommand Command(this DbTransaction transaction, string sql, params object[] values)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        AddValues(command.Parameters, command.CreateParameter, values);
        return command;
    }

    static void AddValues(DbParameterCollection parameters, Func<DbParameter> create, object[] values)
    {
        foreach (var value in values)
        {
            var parameter = create();
            parameter.Value = value;
            parameters.Add(parameter);
        }
    }
}
