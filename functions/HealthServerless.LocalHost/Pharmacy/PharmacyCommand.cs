using System.Globalization;
using System.Security.Cryptography;
using Azure.Storage.Queues;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;
using Microsoft.Extensions.Options;

namespace HealthServerless.LocalHost.Pharmacy;

/// <summary>
/// <c>pharmacy P001 [--accept-rate 0.7] [--seed 42] [--url http://localhost:7071]</c>: a partner
/// pharmacy's system on this machine (<see cref="PharmacySimulator"/>). It reads the pharmacy's
/// Storage queue on Azurite (<c>Storage:ConnectionString</c>, which ./run sets) and answers
/// through the HTTP API with a token of role <c>pharmacy</c> from the local development issuer,
/// until <paramref name="cancellationToken"/> (Ctrl-C) stops it.
/// </summary>
public static class PharmacyCommand
{
    private const string Usage = "Usage: pharmacy <pharmacy id, e.g. P001> [--accept-rate 0.7] [--seed <n>] [--url http://localhost:7071]";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length < 2 || !Core.Dispensing.PharmacyDirectory.IsPharmacyId(args[1]))
        {
            await error.WriteLineAsync("pharmacy needs a pharmacy id (upper-case letters and digits). " + Usage);
            return 2;
        }

        var pharmacyId = args[1];
        var url = new Uri("http://localhost:7071");
        var acceptRate = 0.7;
        // Unseeded runs differ; a seed makes every decision a function of (seed, event id).
        long seed = RandomNumberGenerator.GetInt32(int.MaxValue);
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var parsed): url = parsed; i++; break;
                case "--accept-rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1: acceptRate = rate; i++; break;
                case "--seed" when long.TryParse(value, CultureInfo.InvariantCulture, out var parsedSeed): seed = parsedSeed; i++; break;
                default:
                    await error.WriteLineAsync($"Unknown option {args[i]}. {Usage}");
                    return 2;
            }
        }

        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!auth.UsesLocalIssuer)
        {
            await error.WriteLineAsync("Auth:Authority is set: the simulator needs tokens from the local issuer.");
            return 2;
        }

        var storage = configuration["Storage:ConnectionString"] ?? configuration["AzureWebJobsStorage"];
        if (string.IsNullOrEmpty(storage))
        {
            await error.WriteLineAsync("No Storage:ConnectionString: start ./run first, then ./run pharmacy in another terminal.");
            return 2;
        }

        var queue = new QueueServiceClient(storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
            .GetQueueClient(Functions.Dispensing.DispensingQueueFunctions.PharmacyQueue(pharmacyId));
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var issuer = new LocalTokenIssuer(Options.Create(auth), TimeProvider.System, configuration);
        var simulator = new PharmacySimulator(pharmacyId, queue, http, new PharmacyDecisions(seed, acceptRate),
            () => issuer.Mint(pharmacyId.ToLowerInvariant() + "-simulator", [Roles.Pharmacy], new Dictionary<string, string> { [ScopeClaims.PharmacyId] = pharmacyId }, TimeSpan.FromHours(1)),
            output, TimeProvider.System);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"pharmacy {pharmacyId}: reading queue {queue.Name}, answering {url}api, accept rate {acceptRate:0.##}, seed {seed}; Ctrl-C stops"));
        try
        {
            await simulator.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: a message being handled stays on the queue and is read again next time.
        }
        catch (global::Azure.RequestFailedException exception)
        {
            await error.WriteLineAsync($"pharmacy {pharmacyId}: the queue did not answer ({exception.Status} {exception.ErrorCode}); is ./run running?");
            return 1;
        }

        await output.WriteLineAsync($"pharmacy {pharmacyId}: stopped ({simulator.Handled} events handled)");
        return 0;
    }
}

/// <summary>
/// Accept or decline, and why: a pure function of the seed and the event id, so a seeded run
/// decides the same way every time and a redelivered event gets the same answer.
/// </summary>
public sealed class PharmacyDecisions(long seed, double acceptRate)
{
    private static readonly string[] DeclineReasons = ["OutOfStock", "Closed", "ClinicalQuery", "Other"];

    /// <returns>null to accept, else the decline reason code.</returns>
    public string? Decide(string eventId)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seed}:{eventId}")));
        var draw = BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
        return draw < acceptRate ? null : DeclineReasons[hash[8] % DeclineReasons.Length];
    }
}
