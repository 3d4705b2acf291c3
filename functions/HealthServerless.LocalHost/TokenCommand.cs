using System.Globalization;
using HealthServerless.Functions.Platform.Auth;
using Microsoft.Extensions.Options;

namespace HealthServerless.LocalHost;

/// <summary>
/// <c>./run token --role citizen --subject alice [--role …] [--institution H001] [--pharmacy P001]
/// [--resident-code hc_…] [--minutes 60]</c>: prints a bearer token from the local development
/// issuer (its key is under ./.data/keys, made on first use). Only for one machine: on Azure,
/// tokens come from Entra ID.
/// </summary>
public static class TokenCommand
{
    public static int Run(string[] args, IConfiguration configuration)
    {
        var roles = new List<string>();
        var scopes = new Dictionary<string, string>();
        string? subject = null;
        var minutes = 60;
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--role" when value is not null: roles.Add(value); i++; break;
                case "--subject" when value is not null: subject = value; i++; break;
                case "--institution" when value is not null: scopes[ScopeClaims.InstitutionId] = value; i++; break;
                case "--pharmacy" when value is not null: scopes[ScopeClaims.PharmacyId] = value; i++; break;
                case "--resident-code" when value is not null: scopes[ScopeClaims.ResidentCode] = value; i++; break;
                case "--jurisdiction" when value is not null: scopes[ScopeClaims.Jurisdiction] = value; i++; break;
                case "--minutes" when value is not null: minutes = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                default:
                    Console.Error.WriteLine($"Unknown option {args[i]}. Usage: token --role <role> --subject <id> [--institution <id>] [--pharmacy <id>] [--resident-code <code>] [--jurisdiction <district|city|province>] [--minutes <n>]");
                    return 2;
            }
        }

        if (subject is null || roles.Count == 0)
        {
            Console.Error.WriteLine("token needs --subject and at least one --role.");
            return 2;
        }

        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!options.UsesLocalIssuer)
        {
            Console.Error.WriteLine("Auth:Authority is set: tokens come from Entra ID, not from the local issuer.");
            return 2;
        }

        var issuer = new LocalTokenIssuer(Options.Create(options), TimeProvider.System, configuration);
        Console.WriteLine(issuer.Mint(subject, roles, scopes, TimeSpan.FromMinutes(minutes)));
        return 0;
    }
}
