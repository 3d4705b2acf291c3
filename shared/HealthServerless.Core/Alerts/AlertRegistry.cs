using System.Security.Cryptography;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Alerts;

/// <summary>Starts an alert's one fan-out orchestration; starting it again is harmless (the instance id is the alert's).</summary>
public interface IAlertFanOutStarter
{
    Task StartAsync(string alertId, CancellationToken cancellationToken);
}

/// <summary>
/// Alerts' side of the seam with surveillance (<see cref="IAlertRaiser"/>): one open alert per
/// district and series (IFRC). The open claim <c>open:{kind}:{code}</c> is created only if absent,
/// so of two concurrent raises one creates the alert and the other attaches to it; each signal
/// is claimed once (<c>sig:{id}</c>), so the same signals raised again change nothing. The fan-out
/// is (re)started after every raise; a running one is not restarted.
/// </summary>
public sealed class AlertRegistry(IDocumentStore store, IAlertFanOutStarter fanOut, IOptions<AlertOptions> options, TimeProvider time) : IAlertRaiser
{
    public const string SeriesDisease = "disease";
    public const string SeriesSyndrome = "syndrome";

    // Reserved in document ids (Cosmos DB) or in the claim's own id.
    private static readonly char[] ReservedCharacters = [':', '/', '\\', '?', '#'];

    public async Task<string> RaiseOrAttachAsync(AlertRaise raise, CancellationToken cancellationToken = default)
    {
        Validate(raise);
        var claimed = await Task.WhenAll(raise.Signals.Select(s =>
            store.ReadAsync<AlertSignalClaim>(AlertContainers.Index, raise.District, AlertContainers.SignalClaimId(s.SignalId), cancellationToken)));
        string alertId;
        if (claimed.All(c => c is not null))
        {
            alertId = claimed[0]!.Value.AlertId; // Every signal is on an alert already: a repeat.
        }
        else
        {
            alertId = await OpenOrAttachAsync(raise, cancellationToken);
            foreach (var signal in raise.Signals)
            {
                await store.CreateAsync(AlertContainers.Index, raise.District, AlertContainers.SignalClaimId(signal.SignalId), new AlertSignalClaim(signal.SignalId, alertId), cancellationToken);
            }
        }

        await fanOut.StartAsync(alertId, cancellationToken);
        return alertId;
    }

    /// <summary>The alert an id names, wherever its district: the locator, then the alert.</summary>
    public async Task<Versioned<AlertRecord>?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        var locator = await store.ReadAsync<AlertLocator>(AlertContainers.Locators, alertId, AlertContainers.LocatorId, cancellationToken);
        return locator is null ? null : await store.ReadAsync<AlertRecord>(AlertContainers.Alerts, locator.Value.District, alertId, cancellationToken);
    }

    private async Task<string> OpenOrAttachAsync(AlertRaise raise, CancellationToken cancellationToken)
    {
        var claimId = AlertContainers.OpenClaimId(raise.SeriesKind, raise.SeriesCode);
        for (var attempt = 0; ; attempt++)
        {
            var open = await store.ReadAsync<AlertOpenClaim>(AlertContainers.Index, raise.District, claimId, cancellationToken);
            if (open is null)
            {
                var alertId = NewAlertId(raise.DetectedAt);
                var created = await store.CreateAsync(AlertContainers.Index, raise.District, claimId, new AlertOpenClaim(alertId, raise.SeriesKind, raise.SeriesCode), cancellationToken);
                if (created.Succeeded)
                {
                    await EnsureAlertAsync(alertId, raise, cancellationToken);
                    return alertId;
                }
            }
            else if (await EnsureAlertAsync(open.Value.AlertId, raise, cancellationToken))
            {
                return open.Value.AlertId;
            }
            else
            {
                // Verified or closed, and its claim not yet released: release it and open a new one.
                await store.DeleteAsync(AlertContainers.Index, raise.District, claimId, open.ETag, cancellationToken);
            }

            if (attempt > 10)
            {
                throw new InvalidOperationException("The open alert of a district and series kept changing.");
            }
        }
    }

    /// <summary>
    /// Attaches the raise's new signals to the alert, or creates the alert when its claim was made
    /// and the process stopped before the alert was written. False when the alert is no longer open.
    /// </summary>
    private async Task<bool> EnsureAlertAsync(string alertId, AlertRaise raise, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var max = options.Value.MaxSignals;
        await store.CreateAsync(AlertContainers.Locators, alertId, AlertContainers.LocatorId, new AlertLocator(alertId, raise.District), cancellationToken);
        var open = true;
        var isNew = false;
        await store.UpdateAsync<AlertRecord>(AlertContainers.Alerts, raise.District, alertId, alert =>
        {
            open = alert.IsOpen;
            var fresh = raise.Signals.Where(s => alert.Signals.All(k => k.SignalId != s.SignalId)).ToList();
            if (!alert.IsOpen || fresh.Count == 0)
            {
                return null;
            }

            var trigger = alert.Trigger == AlertTrigger.FixedThreshold || raise.Trigger == AlertTrigger.FixedThreshold ? AlertTrigger.FixedThreshold : AlertTrigger.MultiPoint;
            return alert with { Signals = [.. alert.Signals.Concat(fresh).TakeLast(max)], SignalCount = alert.SignalCount + fresh.Count, Trigger = trigger };
        }, () =>
        {
            isNew = true;
            return new AlertRecord(alertId, raise.District, raise.SeriesKind, raise.SeriesCode, raise.Trigger, AlertStatus.Open, raise.DetectedAt, now,
                [.. raise.Signals.Take(max)], raise.Signals.Count, AlertLevel.District, DueAt: null, null, null, null, null,
                [new AlertHistoryEntry(now, "surveillance", "raised", AlertLevel.District)]);
        }, cancellationToken);
        if (isNew)
        {
            await store.UpdateAsync<AlertDistricts>(AlertContainers.Index, AlertContainers.DistrictsPartition, AlertContainers.DistrictsId,
                d => d.Names.Contains(raise.District, StringComparer.Ordinal) ? null : new AlertDistricts([.. d.Names, raise.District]),
                () => new AlertDistricts([]), cancellationToken);
        }

        return open;
    }

    private static void Validate(AlertRaise raise)
    {
        ArgumentNullException.ThrowIfNull(raise);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(raise.District) || raise.District.Length > 50)
        {
            errors["district"] = ["A district of 1 to 50 characters."];
        }

        if (raise.SeriesKind is not (SeriesDisease or SeriesSyndrome))
        {
            errors["seriesKind"] = ["disease or syndrome."];
        }

        if (string.IsNullOrWhiteSpace(raise.SeriesCode) || raise.SeriesCode.Length > 40 || raise.SeriesCode.IndexOfAny(ReservedCharacters) >= 0)
        {
            errors["seriesCode"] = ["A code of 1 to 40 characters, without : / \\ ? #."];
        }

        if (raise.Signals is not { Count: > 0 } signals || signals.Any(s => string.IsNullOrWhiteSpace(s.SignalId) || s.SignalId.Length > 200)
            || signals.Select(s => s.SignalId).Distinct(StringComparer.Ordinal).Count() != signals.Count)
        {
            errors["signals"] = ["At least one signal, each with its own id of up to 200 characters."];
        }

        if (errors.Count > 0)
        {
            throw DomainException.Validation("invalid-alert", "The alert is not valid.", errors);
        }
    }

    /// <summary>e.g. <c>AL20261203-9f2c4e1a</c>: the detection day (UTC) and a random part.</summary>
    private static string NewAlertId(DateTimeOffset detectedAt) =>
        $"AL{detectedAt.UtcDateTime:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
