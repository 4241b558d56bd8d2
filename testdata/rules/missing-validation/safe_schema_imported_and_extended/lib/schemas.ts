import { z } from "zod";

export const PostFields = z.object({ title: z.string().min(1).max(200), body: z.string().max(10_000) });
