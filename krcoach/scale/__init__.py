"""Scale-out on Redis: batch jobs run by ARQ workers, and the model rate limit and reply cache they share."""
