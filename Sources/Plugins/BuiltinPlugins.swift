import ETLHTML
import ETLHTTP
import ETLKit

extension PluginRegistry {
    /// A registry holding every plugin that ships with `etl`.
    public static var builtins: PluginRegistry {
        var registry = PluginRegistry()
        registry.registerBuiltins()
        return registry
    }

    /// Registers every built-in plugin: one line per plugin. Also initialises libcurl and libxml2
    /// once, before any task can use them (both must be initialised before threads start).
    public mutating func registerBuiltins() {
        _ = BuiltinLibraries.initialized
        // A PostgreSQL URL as the pipeline's state is checked by libpq's parser (`etl validate`).
        databaseURLProblem = StateStores.databaseURLProblem
        // Sources
        register(URLListSource.self)
        register(FileSource.self)
        register(URLPatternSource.self)
        register(FeedSource.self)
        register(CorpusSource.self)
        register(SitemapSource.self)
        register(CrawlSource.self)
        register(WARCSource.self)
        register(CDXSource.self)
        register(ProcessSource.self)
        // Fetchers
        register(HTTPFetcher.self)
        register(FileFetcher.self)
        // Cleaners
        register(HTMLCleaner.self)
        // Transforms (extractors included)
        register(ArticleExtractor.self)
        register(SelectExtractor.self)
        register(PersianNormalizer.self)
        register(RecordFilter.self)
        register(FieldMap.self)
        register(CategoryMapper.self)
        register(Deduplicator.self)
        register(LeftoverCleaner.self)
        register(ProcessTransform.self)
        // Sinks
        register(JSONLSink.self)
        register(SQLiteSink.self)
        register(TextSink.self)
        register(WARCSink.self)
        register(PostgresSink.self)
        register(ProcessSink.self)
    }
}

/// One-time, process-wide set-up of the C libraries (libxml2 and libcurl), before any plugin runs.
enum BuiltinLibraries {
    static let initialized: Bool = LibXML2Global.initialized && CurlGlobal.initialized
}
