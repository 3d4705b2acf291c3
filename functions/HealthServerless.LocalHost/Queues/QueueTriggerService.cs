using System.Reflection;
using System.Text;
using System.Text.Json;
using Azure.Core.Serialization;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HealthServerless.LocalHost.Catalog;
using HealthServerless.LocalHost.Invocation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace HealthServerless.LocalHost.Queues;

/// <summary>
/// Serves queueTrigger functions from Storage Queues (Azurite on one machine) the way the
/// Functions host does: messages are Base64, received in batches of 16 and hidden while a
/// function works on them; a success deletes the message; a failure makes it visible again;
/// once a message has been dequeued maxDequeueCount times (host.json, 5 by default) and
/// fails again, it is copied to "&lt;queue&gt;-poison" before it is deleted, so nothing is lost.
/// </summary>
public sealed partial class QueueTriggerService(
    FunctionCatalog catalog,
    FunctionInvoker invoker,
    IServiceProvider services,
    IConfiguration configuration,
    IOptions<LocalHostOptions> options,
    ILogger<QueueTriggerService> logger)
    : BackgroundService
{
    private const int BatchSize = 16;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(catalog.WithTrigger("queueTrigger").Select(function => PollAsync(function, stoppingToken)));

    /// <summary>The queue a function listens to, resolved from its binding and the app settings.</summary>
    public static QueueClient QueueFor(LocalFunction function, IConfiguration configuration, string? suffix = null)
    {
        var connectionName = function.Trigger.Get("connection") is { Length: > 0 } named ? named : "AzureWebJobsStorage";
        var connectionString = configuration[connectionName] ?? configuration.GetConnectionString(connectionName)
            ?? throw new UnsupportedFunctionException([$"{function.Name}: connection setting '{connectionName}' is not set."]);
        var queueName = AppSettingExpressions.Resolve(function.Trigger.Get("queueName") ?? string.Empty, configuration).ToLowerInvariant();
        return new QueueClient(connectionString, queueName + suffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
    }

    private async Task PollAsync(LocalFunction function, CancellationToken stoppingToken)
    {
        var queue = QueueFor(function, configuration);
        var poison = QueueFor(function, configuration, "-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        var delay = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(BatchSize, options.Value.QueueMessageLease, stoppingToken);
                if (messages.Length == 0)
                {
                    // Back off while idle, like the host's exponential polling up to maxPollingInterval.
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxQueuePollingInterval.Ticks));
                    continue;
                }

                delay = TimeSpan.FromMilliseconds(50);
                await Task.WhenAll(messages.Select(message => ProcessAsync(function, queue, poison, message, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPollFailure(logger, e, queue.Name);
                await Task.Delay(options.Value.MaxQueuePollingInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ProcessAsync(LocalFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        var succeeded = false;
        if (TryDecode(message.MessageText, out var body))
        {
            var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
            {
                ["id"] = message.MessageId,
                ["dequeueCount"] = message.DequeueCount,
                ["insertionTime"] = message.InsertedOn,
                ["expirationTime"] = message.ExpiresOn,
                ["nextVisibleTime"] = message.NextVisibleOn,
                ["popReceipt"] = message.PopReceipt,
            };
            using var context = new LocalFunctionContext(function, services, bindingData, (ctx, p) => Bind(ctx, p, message, body), stoppingToken);
            try
            {
                await invoker.InvokeAsync(context);
                succeeded = true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailure(logger, e, function.Name, message.MessageId, message.DequeueCount);
            }
        }
        else
        {
            LogUndecodable(logger, function.Name, message.MessageId);
        }

        if (succeeded)
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        else if (message.DequeueCount >= catalog.Host.MaxDequeueCount || body is null)
        {
            // Copy first, delete second: a crash in between leaves a duplicate, never a loss.
            await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            LogPoisoned(logger, message.MessageId, poison.Name);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: catalog.Host.QueueVisibilityTimeout, cancellationToken: CancellationToken.None);
        }
    }

    private static bool TryDecode(string text, out byte[]? body)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            body = buffer[..written];
            return true;
        }

        body = null;
        return false;
    }

    private static object? Bind(LocalFunctionContext context, ParameterInfo parameter, QueueMessage message, byte[]? body)
    {
        var type = parameter.ParameterType;
        if (parameter.Name == context.Function.Trigger.Name)
        {
            return type switch
            {
                _ when type == typeof(string) => Encoding.UTF8.GetString(body!),
                _ when type == typeof(byte[]) => body,
                _ when type == typeof(BinaryData) => BinaryData.FromBytes(body!),
                _ when type == typeof(QueueMessage) => message,
                _ => Deserialize(context, body!, type),
            };
        }

        return type switch
        {
            _ when type == typeof(FunctionContext) => context,
            _ when type == typeof(CancellationToken) => context.CancellationToken,
            _ when type == typeof(DurableTaskClient) => context.InstanceServices.GetRequiredService<DurableTaskClient>(),
            _ when type == typeof(QueueMessage) => message,
            _ when type == typeof(long) => message.DequeueCount,
            _ => context.BindingContext.BindingData.TryGetValue(parameter.Name!, out var value) ? value : null,
        };
    }

    /// <summary>POCOs are read with the worker's configured serializer, as the worker would.</summary>
    private static object? Deserialize(LocalFunctionContext context, byte[] body, Type type)
    {
        var serializer = context.InstanceServices.GetService<IOptions<WorkerOptions>>()?.Value.Serializer
            ?? new JsonObjectSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return serializer.Deserialize(new MemoryStream(body), type, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue function {Function} failed on message {MessageId} (dequeue {DequeueCount})")]
    private static partial void LogFailure(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} for {Function} is not Base64; it goes to the poison queue")]
    private static partial void LogUndecodable(ILogger logger, string function, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved to {PoisonQueue}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling queue {Queue} failed")]
    private static partial void LogPollFailure(ILogger logger, Exception exception, string queue);
}
