// Filled in by the starlette-ts / fastapi-ts work in progress.
export {};
