using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace HealthServerless.EndToEnd.Tests;

/// <summary>
/// The local host as a process of its own (<c>dotnet HealthServerless.LocalHost.dll</c>, as ./run
/// starts it), with its settings as environment variables and every output line kept; so a test
/// can end it the hard way (<see cref="KillAsync"/>: SIGKILL, nothing runs on the way out).
/// </summary>
public sealed partial class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalHostProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        Output = output;
    }

    /// <summary>Standard output and error, line by line.</summary>
    public ConcurrentQueue<string> Output { get; }

    public Uri BaseAddress => _listening.Task.Result;

    /// <summary>Starts the host and waits until it says where it listens. <paramref name="output"/> collects its lines (shared across restarts if the caller wants).</summary>
    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, ConcurrentQueue<string> output, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HealthServerless.LocalHost.dll"));
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var host = new LocalHostProcess(Process.Start(start) ?? throw new InvalidOperationException("The local host did not start."), output);
        host._process.OutputDataReceived += (_, e) => host.Read(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Read(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        _ = host._process.WaitForExitAsync().ContinueWith(_ => host._listening.TrySetException(new InvalidOperationException(
            "The local host exited before it listened:\n" + string.Join('\n', output.TakeLast(40)))), TaskScheduler.Default);
        try
        {
            await host._listening.Task.WaitAsync(timeout);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>SIGKILL: no drain, no stop, no flush — what a crash or an OOM kill leaves behind.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        Output.Enqueue(line);
        if (Listening().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    // Program.cs prints this line once the host serves requests.
    [GeneratedRegex(@"^HealthServerless local host: (http://\S+/)api ")]
    private static partial Regex Listening();
}
