"use server";

import { eq } from "drizzle-orm";
import { db, posts } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function deletePost(id: string) {
  await requireUser();
  await db.delete(posts).where(eq(posts.id, id)); // want "missing-ownership"
}
