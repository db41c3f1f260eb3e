"""Understanding pages: splitting into documents, classifying, and extracting dates, people and findings."""
