// SES journeys on Azure: one storage account (journeys, timers, outbox, documents) and a Linux Function App that runs
// the ASP.NET Core app as a custom handler (see docs/adr/002). Deploy with infra/deploy.sh.
@description('Short name used in resource names.')
param name string = 'sesjourneys'
param location string = resourceGroup().location
@description('Prefix of every table and container (Storage:Prefix).')
param storagePrefix string = 'ses'
@secure()
param sendGridApiKey string = ''
param ucServiceCentreInbox string
param sesPolicyInbox string

var storageName = toLower('${name}${uniqueString(resourceGroup().id)}')

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  sku: { name: 'Y1', tier: 'Dynamic' }
  kind: 'linux'
  properties: { reserved: true }
}

var connection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-func'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: ''
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'custom' }
        { name: 'AzureWebJobsStorage', value: connection }
        { name: 'Storage__ConnectionString', value: connection }
        { name: 'Storage__Prefix', value: storagePrefix }
        { name: 'Clock__Mode', value: 'System' }
        { name: 'SendGrid__ApiKey', value: sendGridApiKey }
        { name: 'Inboxes__UcServiceCentre', value: ucServiceCentreInbox }
        { name: 'Inboxes__SesPolicy', value: sesPolicyInbox }
        { name: 'Reminders__TimeOfDay', value: '09:00' }
        { name: 'Dispatcher__Enabled', value: 'false' } // the TimerDispatch function does the polling in Azure
        { name: 'WEBSITE_TIME_ZONE', value: 'UTC' }
      ]
    }
  }
}

output functionAppName string = app.name
output storageAccountName string = storage.name
