using MassTransit;

namespace Transactions.ServiceDefaults.Messaging;

public static class MessageRules
{
    /// <summary>
    /// Checks every <typeparamref name="T"/> the endpoint receives with <paramref name="check"/> (which throws
    /// <see cref="InvalidMessageException"/>) before anything else of the endpoint handles it: before the inbox, the
    /// saga repository and the consumer, so a message that can never succeed costs no transaction and goes to
    /// <c>_error</c> on its first attempt. Pass a lambda that captures nothing, so no delegate is made per message.
    /// </summary>
    public static void UseMessageRule<T>(this IConsumePipeConfigurator endpoint, Action<T> check) where T : class =>
        endpoint.UseFilter(new MessageRuleFilter<T>(check));

    sealed class MessageRuleFilter<T>(Action<T> check) : IFilter<ConsumeContext<T>> where T : class
    {
        public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
        {
            try
            {
                check(context.Message);
            }
            catch (InvalidMessageException e)
            {
                return Task.FromException(e);
            }
            return next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("messageRule");
    }
}
