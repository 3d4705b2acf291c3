using System.Diagnostics;
using Azure.Storage.Queues;
using HealthServerless.Testing;

namespace HealthServerless.Functions.Tests;

/// <summary>The shared emulator launcher: free ports, readiness, a real PID, and a clean stop.</summary>
public sealed class EmulatorTests
{
    [Fact]
    public async Task Azurite_serves_queues_on_its_own_ports_and_is_gone_after_dispose()
    {
        int pid;
        await using (var azurite = await Azurite.StartAsync())
        {
            pid = azurite.Pid;
            var queue = new QueueClient(azurite.ConnectionString, "emulator-check");
            await queue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
            await queue.SendMessageAsync("hello", TestContext.Current.CancellationToken);

            var received = await queue.ReceiveMessageAsync(cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("hello", received.Value.MessageText);
        }

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }
}
