// Key Vault in RBAC mode (no access policies) with soft delete and purge protection: a
// deleted vault or secret can be recovered for 90 days and cannot be purged early. It holds
// the resident identity key material as secrets (identity-lookup-key,
// identity-encryption-<id>, identity-qr-signing-<id>), which the Function App reads through
// Key Vault references in its app settings. The template creates no secret: operators create
// the values once (docs/operations.md, "Identity keys"), so no key material passes through a
// deployment. Token signing is Entra ID's, not this vault's.

@description('Vault name (3-24 characters).')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
