// SES journeys on Azure (docs/adr/004, 011): one storage account (the product's tables and containers, the Durable
// extension's task hub, the Functions host's own state), a Linux isolated-worker Function App with Durable Functions on
// an Elastic Premium plan (src/Ses.FunctionApp, packaged by infra/package.sh), a Key Vault
// for the SendGrid key and the API keys, and Application Insights. No account key anywhere: shared-key access is off
// on the storage account, and the app, the Functions host and the package download all use the app's managed identity.
// Deploy with infra/deploy.sh (see the README, "Deploying to Azure").

@description('Short name used in resource names.')
@minLength(3)
@maxLength(11)
param name string = 'sesjourneys'

param location string = resourceGroup().location

@description('Prefix of every table and container (Storage:Prefix).')
param storagePrefix string = 'ses'

@description('Inbox of the UC Service Centre (Inboxes:UcServiceCentre).')
param ucServiceCentreInbox string

@description('Inbox of the SES policy team (Inboxes:SesPolicy).')
param sesPolicyInbox string

@description('Sender address of the emails (SendGrid:From).')
param sendGridFrom string = 'ses-journeys@provider.example'

@description('Send emails through SendGrid with the key in the Key Vault secret "sendgrid-api-key". False keeps them as .eml files in the outbox container.')
param useSendGrid bool = true

@description('API keys: each key value is the Key Vault secret "api-key-{name}"; role is referral-system, provider, operator or nominated-officer; provider only for provider keys.')
param apiKeys array = [
  { name: 'referral-system', role: 'referral-system', provider: '' }
  { name: 'operator', role: 'operator', provider: '' }
]

@description('Providers: id, name, email, claimsEmail, region (Providers:{id}:…).')
param providers array = []

@description('Object ID of the person or pipeline that deploys: may upload the package and set the Key Vault secrets. Empty grants nothing.')
param deployerPrincipalId string = ''

var suffix = uniqueString(resourceGroup().id)
var packageContainer = 'deployments'
var packageBlob = 'ses-functions.zip'

// Built-in role definitions.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(toLower('${name}${suffix}'), 24)
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: packageContainer
  properties: { publicAccess: 'None' }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

// Elastic Premium (ADR 011): at least one instance always warm, so the journeys' durable timers (the 4-working-day chase,
// the 13- and 26-week outcomes) fire on the hour due while no request comes in, with no cold start and no dependence on
// the scale controller waking an app scaled to zero; it scales out on the task hub's queues like Consumption.
resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  sku: { name: 'EP1', tier: 'ElasticPremium' }
  kind: 'elastic'
  properties: { reserved: true, maximumElasticWorkerCount: 4 }
}

func secretReference(vaultName string, secretName string) string =>
  '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

var apiKeySettings = flatten(map(range(0, length(apiKeys)), i => concat(
  [
    { name: 'Auth__ApiKeys__${i}__Key', value: secretReference(vault.name, 'api-key-${apiKeys[i].name}') }
    { name: 'Auth__ApiKeys__${i}__Role', value: apiKeys[i].role }
    { name: 'Auth__ApiKeys__${i}__Name', value: apiKeys[i].name }
  ],
  empty(apiKeys[i].provider) ? [] : [{ name: 'Auth__ApiKeys__${i}__Provider', value: apiKeys[i].provider }]
)))

var providerSettings = flatten(map(providers, p => [
  { name: 'Providers__${p.id}__Name', value: p.name }
  { name: 'Providers__${p.id}__Email', value: p.email }
  { name: 'Providers__${p.id}__ClaimsEmail', value: p.claimsEmail }
  { name: 'Providers__${p.id}__Region', value: p.region }
]))

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      minimumElasticInstanceCount: 1
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(
        [
          { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
          { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
          // The console is served at the root by the Site function, not the host's default page.
          { name: 'AzureWebJobsDisableHomepage', value: 'true' }
          // The Functions host's own storage and the Durable extension's task hub (host.json: connectionName
          // AzureWebJobsStorage) through the managed identity: Blob Data Owner, Queue and Table Data Contributor below.
          { name: 'AzureWebJobsStorage__accountName', value: storage.name }
          // host.json's hubName: the storage prefix's hub, as the local host names it (TaskHubOptions.HubName).
          { name: 'DurableTask__HubName', value: '${storagePrefix}Hub' }
          // The app runs the package from this blob, fetched with the managed identity (no SAS, no content share).
          { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '${storage.properties.primaryEndpoints.blob}${packageContainer}/${packageBlob}' }
          { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
          // The app's storage: no connection string, so DefaultAzureCredential (the managed identity).
          { name: 'Storage__AccountName', value: storage.name }
          { name: 'Storage__Prefix', value: storagePrefix }
          { name: 'Clock__Mode', value: 'System' }
          { name: 'SendGrid__ApiKey', value: useSendGrid ? secretReference(vault.name, 'sendgrid-api-key') : '' }
          { name: 'SendGrid__From', value: sendGridFrom }
          // Wraps the Data Protection key ring in Blob Storage, which protects each journey's data key (docs/adr/005).
          { name: 'DataProtection__KeyEncryptionKey', value: secretReference(vault.name, 'data-protection-kek') }
          { name: 'Inboxes__UcServiceCentre', value: ucServiceCentreInbox }
          { name: 'Inboxes__SesPolicy', value: sesPolicyInbox }
          { name: 'Reminders__TimeOfDay', value: '09:00' }
          { name: 'Docs__RequireKey', value: 'true' }
          { name: 'WEBSITE_TIME_ZONE', value: 'UTC' }
        ],
        apiKeySettings,
        providerSettings
      )
    }
  }
  dependsOn: [deployments]
}

var appRoles = [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appRoles: {
    name: guid(storage.id, app.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: app.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appSecretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerPackageRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(storage.id, deployerPrincipalId, storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: deployerPrincipalId
  }
}

resource deployerSecretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: deployerPrincipalId
  }
}

output functionAppName string = app.name
output functionAppHost string = app.properties.defaultHostName
output storageAccountName string = storage.name
output keyVaultName string = vault.name
output packageUrl string = '${storage.properties.primaryEndpoints.blob}${packageContainer}/${packageBlob}'
