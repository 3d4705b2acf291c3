// The Function App on the Flex Consumption plan (Linux, dotnet-isolated 10.0). It runs as the
// user-assigned identity and holds no key or connection string: every Azure service is reached
// by endpoint + identity (AzureWebJobsStorage__credential = managedidentity, Cosmos__Endpoint,
// ...). azd deploys the package into the deployment container, authenticated by the identity.

import { certificateKeyIds, identityKeyIds, receiptKeyIds } from '../types.bicep'

@description('Function App name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Region.')
param location string

@description('Tags (azd-service-name is added here).')
param tags object

@description('azd service name (azure.yaml) this app hosts.')
param serviceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

param storageAccountName string
param storageBlobEndpoint string
param storageQueueEndpoint string
param deploymentContainerUrl string
param cosmosEndpoint string
param cosmosDatabaseName string
param serviceBusFullyQualifiedNamespace string

@description('Key Vault holding the identity key secrets, read through Key Vault references.')
param keyVaultName string

@description('Identity key ids: one Key Vault secret each (docs/operations.md, "Key rotation").')
param identityKeys identityKeyIds

@description('Certificate signing key ids: one Key Vault secret each (docs/operations.md, "Key rotation").')
param certificateKeys certificateKeyIds

@description('Dispense receipt signing key ids: one Key Vault secret each; the claim secret key is secret dispensing-claim-secret-key (docs/dispensing.md, "Keys").')
param receiptKeys receiptKeyIds

param applicationInsightsName string

@description('Entra ID token issuer the app accepts (Auth__Authority).')
param authAuthority string

@description('Audience (Application ID URI or client id) the app accepts tokens for (Auth__Audience).')
param authAudience string

@description('Browser origins allowed to call the API (the portals); the platform answers preflights and adds no CORS header for any other origin.')
param corsAllowedOrigins string[]

@description('The signed notification webhook (Notifications__Webhook__Url); empty: no webhook. Its secret is Key Vault secret notification-webhook-secret.')
param notificationWebhookUrl string = ''

@description('Most instances Flex Consumption scales out to: the ceiling on spend and on load put on Cosmos DB.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// Identity key material (IdentityKeySettings, section Identity) as Key Vault references: the
// platform reads the secrets with keyVaultReferenceIdentity and hands the app plain values.
// The references name no version, so a new secret version is picked up at the next restart
// (or within 24 hours). The template holds secret names only; operators create the values.
var identitySecretSettings = [
  {
    name: 'Identity__LookupKey'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=identity-lookup-key)'
  }
  { name: 'Identity__ActiveEncryptionKeyId', value: identityKeys.activeEncryptionKeyId }
  { name: 'Identity__ActiveQrSigningKeyId', value: identityKeys.activeQrSigningKeyId }
]

var identityEncryptionKeySettings = [
  for kid in identityKeys.encryptionKeyIds: {
    name: 'Identity__EncryptionKeys__${kid}'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=identity-encryption-${kid})'
  }
]

var identityQrSigningKeySettings = [
  for kid in identityKeys.qrSigningKeyIds: {
    name: 'Identity__QrSigningKeys__${kid}'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=identity-qr-signing-${kid})'
  }
]

// The licensing authority's certificate signing keys (LicensingKeySettings, section Licensing), the same way.
var certificateKeySettings = [
  { name: 'Licensing__ActiveCertificateKeyId', value: certificateKeys.activeSigningKeyId }
]

var certificateSigningKeySettings = [
  for kid in certificateKeys.signingKeyIds: {
    name: 'Licensing__CertificateSigningKeys__${kid}'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=licensing-certificate-signing-${kid})'
  }
]

// Dispensing's claim secret key (HMAC) and dispense receipt signing keys (DispensingKeySettings, section Dispensing), the same way.
var dispensingKeySettings = [
  {
    name: 'Dispensing__ClaimSecretKey'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=dispensing-claim-secret-key)'
  }
  { name: 'Dispensing__ActiveReceiptKeyId', value: receiptKeys.activeSigningKeyId }
]

var receiptSigningKeySettings = [
  for kid in receiptKeys.signingKeyIds: {
    name: 'Dispensing__ReceiptSigningKeys__${kid}'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=dispensing-receipt-signing-${kid})'
  }
]

// The notification webhook, when one is configured: its HMAC secret by Key Vault reference, like the keys above.
var notificationWebhookSettings = empty(notificationWebhookUrl) ? [] : [
  { name: 'Notifications__Webhook__Url', value: notificationWebhookUrl }
  {
    name: 'Notifications__Webhook__Secret'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=notification-webhook-secret)'
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved as the user-assigned identity (Key Vault Secrets User).
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Bearer tokens, not cookies: a portal needs no credentialed CORS.
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      // Flex Consumption sets the worker runtime and host version from functionAppConfig and
      // rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION here.
      appSettings: concat([
        // Functions host and Durable Task hub storage, by identity.
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // Telemetry, by identity (the connection string only locates the component).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identityClientId}' }
        // The app's adapters: an endpoint each, and the identity to reach them with.
        { name: 'AzureIdentity__ManagedIdentityClientId', value: identityClientId }
        { name: 'Cosmos__Endpoint', value: cosmosEndpoint }
        { name: 'Cosmos__Database', value: cosmosDatabaseName }
        { name: 'Storage__BlobServiceUri', value: storageBlobEndpoint }
        { name: 'Storage__QueueServiceUri', value: storageQueueEndpoint }
        { name: 'ServiceBus__FullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
        { name: 'Auth__Authority', value: authAuthority }
        { name: 'Auth__Audience', value: authAudience }
      ], identitySecretSettings, identityEncryptionKeySettings, identityQrSigningKeySettings, certificateKeySettings, certificateSigningKeySettings, dispensingKeySettings, receiptSigningKeySettings, notificationWebhookSettings)
    }
  }

  // No publishing with user names and passwords (FTP, SCM basic auth): azd deploys with Entra ID.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
