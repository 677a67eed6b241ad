"""The fetch benchmark's Scrapy peer: fetches every URL in the file named by $URLS and counts the
responses; no items, no pipeline. Run with `scrapy runspider spider.py` (see run.sh)."""
import os

import scrapy


class FetchSpider(scrapy.Spider):
    name = "fetch"
    custom_settings = {
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = 0

    async def start(self):
        with open(os.environ["URLS"], encoding="utf-8") as handle:
            for line in handle:
                url = line.strip()
                if url and not url.startswith("#"):
                    yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        if response.status == 200:
            self.count += 1

    def closed(self, reason):
        received = self.crawler.stats.get_value("response_received_count", 0)
        # One line on stdout that run.sh reads.
        print(f"SCRAPY_RESULT ok={self.count} received={received} reason={reason}", flush=True)
