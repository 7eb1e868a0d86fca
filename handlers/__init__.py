"""Channel-neutral use cases of antt-bot: the product's behaviour, free of transports and SQL."""
