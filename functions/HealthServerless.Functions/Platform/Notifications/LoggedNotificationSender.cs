using HealthServerless.Core.Booking;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Platform.Notifications;

/// <summary>
/// The notification port on one machine: every message is logged by template and health-code
/// id only (no names, numbers or contents) and kept in memory for inspection. An SMS or push
/// adapter replaces it on Azure.
/// </summary>
public sealed partial class LoggedNotificationSender(ILogger<LoggedNotificationSender> logger) : INotificationSender
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<SentNotification> _sent = new();

    public IReadOnlyCollection<SentNotification> Sent => _sent;

    public Task SendAsync(string codeId, string messageTemplate, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        _sent.Enqueue(new SentNotification(codeId, messageTemplate, values));
        LogSent(logger, messageTemplate, codeId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Template} sent to health code {CodeId}")]
    private static partial void LogSent(ILogger logger, string template, string codeId);
}

public sealed record SentNotification(string CodeId, string Template, IReadOnlyDictionary<string, string> Values);
