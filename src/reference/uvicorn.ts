/** h11's DEFAULT_MAX_INCOMPLETE_EVENT_SIZE (h11/_connection.py), which uvicorn uses unless told otherwise. */
export const H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE = 16 * 1024;
