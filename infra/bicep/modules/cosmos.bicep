// Cosmos DB for NoSQL: one database, one container per entry of StoreContainers.All (the list
// comes from ../store-containers.json through main.bicep). Keys are off (disableLocalAuth):
// the app reaches it with its managed identity and a Cosmos DB SQL role assignment (roles.bicep).

@description('Account name.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Database name (the app reads it from Cosmos__Database).')
param databaseName string

@description('Container names, as declared in StoreContainers.All.')
param containerNames string[]

@description('Default time to live in seconds per container name (StoreContainer.TimeToLive); containers not named keep their documents.')
param timeToLiveSeconds object

@description('Partition key path of every container (StoreContainer.PartitionKeyPath).')
param partitionKeyPath string

@description('serverless: billed per request unit consumed, no minimum. autoscale: provisioned throughput shared by the database, scaling between 10% and 100% of autoscaleMaxThroughput.')
@allowed(['serverless', 'autoscale'])
param throughputMode string

@description('Autoscale ceiling in RU/s for the database when throughputMode is autoscale (multiples of 1000).')
@minValue(1000)
param autoscaleMaxThroughput int

var serverless = throughputMode == 'serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }

  resource database 'sqlDatabases' = {
    name: databaseName
    properties: {
      resource: { id: databaseName }
      options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
    }

    resource containers 'containers' = [
      for containerName in containerNames: {
        name: containerName
        properties: {
          resource: union(
            {
              id: containerName
              partitionKey: {
                paths: [partitionKeyPath]
                kind: 'Hash'
                version: 2
              }
            },
            contains(timeToLiveSeconds, containerName) ? { defaultTtl: timeToLiveSeconds[containerName] } : {}
          )
        }
      }
    ]
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = account::database.name
