import ETLCommandLine
import ETLPlugins

// The `etl` executable: the command line with the built-in plugins.
await ETLCommand.main(registry: .builtins)
