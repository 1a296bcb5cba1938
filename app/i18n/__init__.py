"""Interface languages: which exist, how a request's language is chosen, URL prefixes,
and how content written in several languages is shown."""
