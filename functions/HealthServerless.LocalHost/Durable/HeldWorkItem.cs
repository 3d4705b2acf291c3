namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// A work item the local orchestration service handed out: its lock is renewed until it ends, and never
/// while it ends, so a renewal cannot change a pop receipt the completion is about to delete with.
/// </summary>
#pragma warning disable CA1001 // A SemaphoreSlim whose AvailableWaitHandle is never read holds nothing to dispose.
internal sealed class HeldWorkItem
#pragma warning restore CA1001
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _ended;

    public async Task RenewAsync(Func<Task> renew)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_ended)
            {
                await renew();
            }
        }
#pragma warning disable CA1031 // A failed renewal is logged by the provider; the next one (or the message coming back) covers it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task EndAsync(Func<Task> end)
    {
        await _gate.WaitAsync();
        try
        {
            _ended = true;
        }
        finally
        {
            _gate.Release();
        }

        await end();
    }
}
