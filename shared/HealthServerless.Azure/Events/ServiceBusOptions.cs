namespace HealthServerless.Azure.Events;

/// <summary>
/// Where the Service Bus namespace is: its host name (<c>sb-….servicebus.windows.net</c>),
/// reached with the app's managed identity. There is no connection-string setting: the
/// namespace has local (SAS key) auth disabled.
/// </summary>
public sealed class ServiceBusOptions
{
    public const string Section = "ServiceBus";

    public string? FullyQualifiedNamespace { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);

    /// <summary>A DNS host name: not a URL, not a connection string.</summary>
    public bool IsHostName => IsConfigured && Uri.CheckHostName(FullyQualifiedNamespace) == UriHostNameType.Dns;
}
