import ETLCommandLine
import ETLKit
import ETLPlugins

// etl's command line with the built-in plugins and one more: `greetings-etl plugins` lists it,
// `greetings-etl validate`, `run` and `schema` know it.
var registry = PluginRegistry.builtins
registry.register(GreetingSource.self)
await ETLCommand.main(registry: registry)
