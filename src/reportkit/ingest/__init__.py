"""Reading PDF files: the only stage that opens them."""
