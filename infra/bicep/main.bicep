// HealthServerless on Azure. Deployed by `azd up` (azure.yaml); docs/operations.md says what
// this creates and how to run it. No resource here has a key or connection string in use: the
// Function App reaches every service with its user-assigned managed identity.
targetScope = 'resourceGroup'

import { certificateKeyIds, identityKeyIds, partner, receiptKeyIds } from 'types.bicep'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Region for every resource (one that offers Flex Consumption).')
param location string = resourceGroup().location

@description('Entra ID issuer whose tokens the API accepts (Auth__Authority).')
param authAuthority string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

@description('Audience the API accepts tokens for (Auth__Audience): the Application ID URI or client id of the API\'s app registration.')
param authAudience string = 'api://healthserverless'

@description('Origins of the citizen and staff portals a browser may call the API from (the Function App\'s CORS), e.g. https://portal.example.gov.cn; none by default. The local host applies the same rule from LocalHost:Cors:AllowedOrigins.')
param corsAllowedOrigins string[] = []

@description('The signed notification webhook URL (https); empty: none. Create Key Vault secret notification-webhook-secret first; see docs/operations.md, "Notifications".')
param notificationWebhookUrl string = ''

@description('Partners, one Service Bus subscription each; see docs/operations.md, "Onboarding a partner pharmacy".')
param partners partner[] = []

@description('Identity key ids, each read from its Key Vault secret; change them to rotate keys (docs/operations.md, "Key rotation").')
param identityKeys identityKeyIds = {
  encryptionKeyIds: ['k1']
  activeEncryptionKeyId: 'k1'
  qrSigningKeyIds: ['qr1']
  activeQrSigningKeyId: 'qr1'
}

@description('Certificate signing key ids, each read from its Key Vault secret; change them to rotate the licensing authority\'s key (docs/operations.md, "Key rotation").')
param certificateKeys certificateKeyIds = {
  signingKeyIds: ['cert1']
  activeSigningKeyId: 'cert1'
}

@description('Dispense receipt signing key ids, each read from its Key Vault secret, besides secret dispensing-claim-secret-key (docs/dispensing.md, "Keys").')
param receiptKeys receiptKeyIds = {
  signingKeyIds: ['rcpt1']
  activeSigningKeyId: 'rcpt1'
}

@description('Cosmos DB capacity: serverless (pay per request, the default) or autoscale (provisioned RU/s shared by the database).')
@allowed(['serverless', 'autoscale'])
param cosmosThroughputMode string = 'serverless'

@description('Autoscale ceiling in RU/s when cosmosThroughputMode is autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Most Function App instances Flex Consumption runs at once.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }

// The one place the Cosmos DB containers are listed (compared with StoreContainers.All by a test).
var storeContainers = loadJsonContent('store-containers.json')

var databaseName = 'healthserverless'

// Topics events leave the system on (docs/decisions/005, docs/decisions/007).
var topicNames = ['prescriptions', 'alerts', 'notifications']

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: databaseName
    containerNames: storeContainers.names
    timeToLiveSeconds: storeContainers.timeToLiveSeconds
    partitionKeyPath: storeContainers.partitionKeyPath
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'serviceBus'
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
    topicNames: topicNames
    partners: partners
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    cosmosDatabaseName: databaseName
    serviceBusNamespaceName: serviceBus.outputs.name
    topicNames: topicNames
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: databaseName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    keyVaultName: keyVault.outputs.name
    identityKeys: identityKeys
    certificateKeys: certificateKeys
    receiptKeys: receiptKeys
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    authAuthority: authAuthority
    authAudience: authAudience
    corsAllowedOrigins: corsAllowedOrigins
    maximumInstanceCount: maximumInstanceCount
    notificationWebhookUrl: notificationWebhookUrl
  }
  // The host needs its storage, telemetry and data roles from its first start.
  dependsOn: [roles]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
