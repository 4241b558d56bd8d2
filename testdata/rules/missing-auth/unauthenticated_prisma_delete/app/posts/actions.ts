"use server";

import { prisma } from "@/lib/db";

export async function deletePost(id: string) { // want "missing-auth"
  await prisma.post.delete({ where: { id } });
}
