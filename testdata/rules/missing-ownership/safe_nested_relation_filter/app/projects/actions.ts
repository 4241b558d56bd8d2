"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function archiveProject(id: string) {
  const { id: userId } = await requireUser();
  await prisma.project.updateMany({
    where: { id, team: { members: { some: { userId } } } },
    data: { archived: true },
  });
}
