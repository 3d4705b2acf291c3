// Every role the app's managed identity holds, in one place: data-plane roles only, each on
// the narrowest scope the app uses. Nothing here can manage resources or grant access.
// (Partner receivers are assigned in serviceBus.bicep, on their own subscription.)

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Names of the resources the roles are granted on.')
param storageAccountName string
param cosmosAccountName string
param cosmosDatabaseName string
param serviceBusNamespaceName string
param topicNames string[]
param keyVaultName string
param applicationInsightsName string

// Built-in role definition ids (the same in every tenant).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Cosmos DB Built-in Data Contributor: a Cosmos DB SQL role, not an Azure RBAC role.
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// Blob (Durable Task hub leases and history, app blobs, deployment package), queues (queue
// triggers, Durable Task control and work-item queues), tables (Durable Task instances and history).
var storageRoleIds = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [
  for topicName in topicNames: {
    parent: serviceBus
    name: topicName
  }
]

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, appPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Send only, and only to the topics the app publishes to.
resource topicSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (topicName, i) in topicNames: {
    name: guid(topics[i].id, appPrincipalId, roleIds.serviceBusDataSender)
    scope: topics[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Key Vault: read secrets (the Key Vault references in app settings resolve as this identity);
// cannot create, change or delete them, and no access to keys or certificates.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, appPrincipalId, roleIds.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights with local auth off accepts telemetry only from this role.
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roleIds.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Read and write documents in the app's database only (not account management, not other
// databases). Cosmos DB data-plane scopes are written /dbs/<database>, not as ARM ids.
var cosmosDatabaseScope = '${cosmos.id}/dbs/${cosmosDatabaseName}'

resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmosDatabaseScope, appPrincipalId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: appPrincipalId
    scope: cosmosDatabaseScope
  }
}
