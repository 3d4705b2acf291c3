using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HealthServerless.Testing;

/// <summary>
/// A local emulator (a Node.js program from the root package.json) started on free ports.
/// Holds the real node PID, waits until every port accepts connections, and kills the
/// process tree when disposed or when the test process exits; if the test process dies
/// without exiting cleanly, emulator-guard.cjs ends the emulator within a second.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastOutput = new();

    private EmulatorProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public static async Task<EmulatorProcess> StartAsync(
        string name, string script, IEnumerable<string> arguments, IReadOnlyList<int> ports, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var scriptPath = System.IO.Path.Combine(RepositoryRoot.Path, "node_modules", script);
        if (!File.Exists(scriptPath))
        {
            throw new InvalidOperationException($"{name} is not installed ({scriptPath} is missing). Run `npm ci` at the repository root (./test and ./run do).");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(System.IO.Path.Combine(RepositoryRoot.Path, "tests", "HealthServerless.Testing", "emulator-guard.cjs"));
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(scriptPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var emulator = new EmulatorProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start."));
        emulator._process.OutputDataReceived += (_, e) => emulator.Remember(e.Data);
        emulator._process.ErrorDataReceived += (_, e) => emulator.Remember(e.Data);
        emulator._process.BeginOutputReadLine();
        emulator._process.BeginErrorReadLine();
        try
        {
            await emulator.WaitForPortsAsync(ports, timeout);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }

        return emulator;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task WaitForPortsAsync(IReadOnlyList<int> ports, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in ports)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}: {string.Join(Environment.NewLine, Output())}");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
                catch (SocketException)
                {
                    throw new TimeoutException($"{Name} did not open port {port} within {timeout.TotalSeconds} s: {string.Join(Environment.NewLine, Output())}");
                }
            }
        }

        // A port that answered may be another process's that took it between FreePort and the
        // emulator's bind (test projects start in parallel); the emulator then exits at once.
        await Task.Delay(300);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}: {string.Join(Environment.NewLine, Output())}");
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastOutput)
        {
            _lastOutput.Enqueue(line);
            if (_lastOutput.Count > 40)
            {
                _lastOutput.Dequeue();
            }
        }
    }

    private string[] Output()
    {
        lock (_lastOutput)
        {
            return [.. _lastOutput];
        }
    }
}
