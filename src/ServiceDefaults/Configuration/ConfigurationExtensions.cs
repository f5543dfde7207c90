using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validates it by its data annotations
    /// and checks it at start-up, so a wrong setting stops the process with the setting's name in the message.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionOptionsValidator<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
