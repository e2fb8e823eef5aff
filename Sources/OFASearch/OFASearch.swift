// The package's public API in one import: the CLI, the bench and library users write
// `import OFASearch` and need not know which layer a type lives in (docs/architecture.md).
@_exported import OFACore
@_exported import OFAXGBoost
@_exported import OFAPredictors
@_exported import OFAEngine
@_exported import OFAEvaluators
@_exported import OFAStrategies
@_exported import OFAExperiments
