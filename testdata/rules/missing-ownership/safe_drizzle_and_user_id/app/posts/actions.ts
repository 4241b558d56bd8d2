"use server";

import { and, eq } from "drizzle-orm";
import { db, posts } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function deletePost(id: string) {
  const { id: userId } = await requireUser();
  await db.delete(posts).where(and(eq(posts.id, id), eq(posts.userId, userId)));
}
